; corpus/not-equivalent/x86_64-wbinvd-as-invd.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x115 (bvsub RSP (_ bv8 64))))
(let ((?x1347 (bvadd ?x115 (_ bv8 64))))
(let (($x552 (and (distinct ?x1347 RSP) true)))
(let (($x4424 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x3843 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x2087 (= TF (_ bv0 1))))
(let (($x312 (= VM (_ bv0 1))))
(let (($x327 (= DF (_ bv0 1))))
(and $x327 $x312 $x2087 $x3843 (or $x4424 true $x552)))))))))))
(check-sat)
