; corpus/not-equivalent/x86_64-wbinvd-as-invd.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x6250 (bvsub RSP (_ bv8 64))))
(let ((?x5938 (bvadd ?x6250 (_ bv8 64))))
(let (($x1286 (and (distinct ?x5938 RSP) true)))
(let (($x2085 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x1503 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x5928 (= TF (_ bv0 1))))
(let (($x6007 (= VM (_ bv0 1))))
(let (($x6318 (= DF (_ bv0 1))))
(and $x6318 $x6007 $x5928 $x1503 (or $x2085 true $x1286)))))))))))
(check-sat)
