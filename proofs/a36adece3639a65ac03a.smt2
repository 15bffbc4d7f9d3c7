; corpus/history/2.6.24-5.12-x86/x86_64-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x204 (bvsub RSP (_ bv8 64))))
(let ((?x652 (bvadd ?x204 (_ bv8 64))))
(let (($x541 (and (distinct ?x652 RSP) true)))
(let (($x900 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x843 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x915 (= TF (_ bv0 1))))
(let (($x522 (= VM (_ bv0 1))))
(let (($x152 (= DF (_ bv0 1))))
(and $x152 $x522 $x915 $x843 (or $x900 $x541)))))))))))
(check-sat)
