; corpus/equivalent/x86_64-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x171 (bvsub RSP (_ bv8 64))))
(let ((?x169 (bvadd ?x171 (_ bv8 64))))
(let (($x209 (and (distinct ?x169 RSP) true)))
(let (($x476 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x337 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x348 (= TF (_ bv0 1))))
(let (($x546 (= VM (_ bv0 1))))
(let (($x394 (= DF (_ bv0 1))))
(and $x394 $x546 $x348 $x337 (or $x476 $x209)))))))))))
(check-sat)
