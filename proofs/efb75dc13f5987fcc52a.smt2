; corpus/equivalent/x86_64-invlpg.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x194 (bvsub RSP (_ bv8 64))))
(let ((?x73 (bvadd ?x194 (_ bv8 64))))
(let (($x11 (and (distinct ?x73 RSP) true)))
(let (($x78 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x175 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x166 (= TF (_ bv0 1))))
(let (($x222 (= VM (_ bv0 1))))
(let (($x80 (= DF (_ bv0 1))))
(and $x80 $x222 $x166 $x175 (or $x78 $x11)))))))))))
(check-sat)
