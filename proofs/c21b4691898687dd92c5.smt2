; corpus/equivalent/x86_64-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x409 (bvsub RSP (_ bv8 64))))
(let ((?x274 (bvadd ?x409 (_ bv8 64))))
(let (($x81 (and (distinct ?x274 RSP) true)))
(let (($x572 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x188 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x398 (= TF (_ bv0 1))))
(let (($x394 (= VM (_ bv0 1))))
(let (($x176 (= DF (_ bv0 1))))
(and $x176 $x394 $x398 $x188 (or $x572 $x81)))))))))))
(check-sat)
